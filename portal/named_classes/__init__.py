"""Named classes (冠名班) as the partners of an order-class cooperation see them.

The school publishes them and decides admissions; the enterprise reviews applicants
when the cooperation's admissions mode asks it to. `bp` is nested in both areas; the
students' side lives in `portal.student` and the public list in `portal.public`.
"""
