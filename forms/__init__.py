"""Official documents made from the records: Form 01 and Form 02 of Decree 335/2025
(Appendix II) and an agency's yearly summary, each carrying a verification receipt
that anyone holding the ledger's public key can check against the log."""
