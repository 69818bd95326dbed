"""Reference draws from numpy's legacy RandomState for test/random.test.ts.

Run: bash test/reference/regenerate.sh random_state
(Not named random.py: a script there would shadow the standard library's `random`
module for every script in this folder, and numpy imports it.)
Writes test/fixtures/random.json. Every value is what numpy returns after
RandomState(seed) (identical to np.random.seed(seed) on the global state).
"""
from common import write_fixture  # first: see common.py
import numpy as np


def ints(values):
    return [int(v) for v in values]


def floats(values):
    return [float(v) for v in values]


def raw_uint32(seed, count):
    # randint over the full uint32 range returns next_uint32 unchanged.
    return ints(np.random.RandomState(seed).randint(0, 2**32, size=count, dtype=np.uint32))


def randint_case(seed, low, high, size):
    rs = np.random.RandomState(seed)
    values = ints(rs.randint(low, high, size=size))
    # state position = number of uint32 draws consumed (the state starts at 624 then regenerates)
    position = int(rs.get_state()[2])
    next_raw = int(rs.randint(0, 2**32, dtype=np.uint32))
    return {"seed": seed, "low": low, "high": high, "size": size, "values": values,
            "positionAfter": position, "nextUint32": next_raw}


def main():
    np.random.seed(7)
    global_salary = ints(np.random.randint(1000, 2500, 100))

    fixture = {
        "numpyVersion": np.__version__,
        "rawUint32": {str(seed): raw_uint32(seed, 10) for seed in (0, 7, 4294967295)},
        "rawUint32Seed5After700": ints(np.random.RandomState(5).randint(0, 2**32, size=1300, dtype=np.uint32)[700:]),
        "salarySeed7": global_salary,
        "randint": [
            randint_case(7, 1000, 2500, 100),
            randint_case(1, 0, 2, 50),
            randint_case(2, 5, 6, 10),
            randint_case(3, -5, 5, 50),
            randint_case(4, 0, 2**32, 20),
            randint_case(5, 0, 2**31 + 1, 20),
            randint_case(6, -(2**40), -(2**40) + 3000000000, 20),
        ],
        "scalarRandintSeed7": [int(v) for v in (lambda rs: [rs.randint(1000, 2500) for _ in range(5)])(np.random.RandomState(7))],
        "randomSampleSeed0": floats(np.random.RandomState(0).random_sample(20)),
        "uniformSeed1": floats(np.random.RandomState(1).uniform(-3, 5, 20)),
        "permutationSeed42": ints(np.random.RandomState(42).permutation(1000)),
        "permutationSmall": {str(n): ints(np.random.RandomState(9).permutation(n)) for n in (1, 2, 3, 10)},
        "shuffleSeed3": ints((lambda rs, x: (rs.shuffle(x), x)[1])(np.random.RandomState(3), list(range(20)))),
        "choiceNoReplaceSeed5": ints(np.random.RandomState(5).choice(100, size=4, replace=False)),
        "choiceReplaceSeed5": ints(np.random.RandomState(5).choice(10, size=20)),
        "standardNormalSeed0": floats(np.random.RandomState(0).standard_normal(1001)),
    }

    # Interleaved calls: the cached second normal survives other draws, and seed() clears it.
    rs = np.random.RandomState(11)
    mixed = [float(rs.normal()), float(rs.random_sample()), float(rs.normal(10, 2)),
             int(rs.randint(0, 100)), float(rs.standard_normal())]
    rs.seed(11)
    mixed.append(float(rs.normal()))
    fixture["mixedSeed11"] = mixed
    fixture["normalSeed2"] = floats(np.random.RandomState(2).normal(10, 2, 9))

    write_fixture("random.json", fixture)


if __name__ == "__main__":
    main()
