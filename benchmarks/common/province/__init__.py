"""One year of a province, generated for the rebuild benchmarks.

One year of a province (``rebuild.py``'s default: 10 agencies × 200 civil
servants × 12 months, about 300,000 events) is generated from a seeded
``random.Random``. To be fast it does not go through ``MinhBach.execute``: it
builds the aggregates with the domain's own event classes (``Task.start(
Task.Assigned, ...)``, ``task.record(Task.Assessed, ...)``...), with the fields
the command handlers give them, and saves a few hundred aggregates per
``app.save`` call. No rule is checked, but the stored events are the ones the
application stores for the same commands (without idempotency receipts, which
the projections skip anyway).

Each agency (a department of the provincial People's Committee) has a board
(a director and two deputies) and units of about 25 (a head, one or two
deputies, staff in three peer groups); a catalogue of 12 products with one
factor change in July. Every month each servant gets 2–4 tasks, submits
results and is assessed (some results fail and are resubmitted, some come
late with a recorded delay, a few ad-hoc tasks), self-scores and is scored on
the ten general criteria; leaders get đ and e (a few at 50%). Through the
year: a few sick leaves, a few transfers between units, a few discipline
decisions (one annulled on appeal) and one competent conclusion; at year end
each agency's organisation level, and one granted quota ratio.

- ``shape``: the agencies, units, positions, catalogue and rates;
- ``records``: the size, the people, what was generated, the batched saver;
- ``organisation``: the agencies, units, catalogues and servants on 1 January;
- ``year``: the months and the year end; ``generate`` runs it all.
"""

from benchmarks.common.province.records import History, Size
from benchmarks.common.province.shape import DISCIPLINE_PER_AGENCY, SEED, YEAR
from benchmarks.common.province.year import generate

__all__ = ["DISCIPLINE_PER_AGENCY", "SEED", "YEAR", "History", "Size", "generate"]
