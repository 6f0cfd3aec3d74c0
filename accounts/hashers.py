"""The password hasher: Argon2id at the cost OWASP recommends, instead of Django's default cost.

Django's Argon2PasswordHasher uses 100 MiB of memory, 2 passes and 8 lanes: about 0.12 s of CPU per login on a
quiet core and 0.25 s on this project's busy 2-core machine, which made logins two thirds of the CPU of the
deadline rush (bench/bench_deadline_rush.py, docs/performance.md "Deadline rush (locust)": 2,000 enterprises
logging in within minutes). OWASP's Password Storage Cheat Sheet gives 19 MiB, 2 passes, 1 lane as its first
recommended Argon2id configuration (RFC 9106 argon2id, same algorithm): about 10 times less CPU per login.

Same algorithm name ("argon2"), so hashes stored with Django's default parameters still verify (the parameters
are in the hash) and are re-hashed with these at the user's next successful login (`must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
