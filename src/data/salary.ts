import pl from "nodejs-polars";
import { checkInteger } from "../core/validation";
import { checkSeed, generatorFor, type Seed } from "../core/seed";

/** Options of {@link salaryData}; the defaults regenerate the tutorial's data. */
export interface SalaryDataOptions {
  /** numpy seed or a RandomState ({@link Seed}; default 7, as `np.random.seed(7)` in the tutorial). */
  seed?: Seed;
  /** Number of people (default 100). */
  n?: number;
  /** Lowest salary, inclusive (default 1000). */
  low?: number;
  /** Highest salary, exclusive (default 2500). */
  high?: number;
  /** `[row, salary]` pairs overwritten and labelled class 1 (default `[[16, 23], [65, 17]]`). */
  anomalies?: readonly (readonly [number, number])[];
}

/**
 * The salary example of "Introduction to Anomaly Detection in Python" (S. Paul,
 * FloydHub, 2019), regenerated exactly: `np.random.seed(7)`, 100 monthly
 * salaries `np.random.randint(1000, 2500)`, then rows 16 and 65 set to 23 and 17
 * and labelled class 1 (outliers); all other rows are class 0.
 *
 * Columns: `person` ("Person 1" ... ; the tutorial's Python Faker names cannot be
 * reproduced outside Faker), `salary` (Float64, USD), `class` (Int32, 1 = anomaly).
 *
 * @example
 * const df = salaryData();
 * df.getColumn("salary").head(5).toArray(); // [1175, 2220, 1537, 1502, 1211]
 * new KNNDetector({ contamination: 0.02 }).fit(toMatrix(df, { columns: ["salary"] }));
 */
export function salaryData(options: SalaryDataOptions = {}): pl.DataFrame {
  const n = checkInteger(options.n ?? 100, "n");
  const anomalies = options.anomalies ?? [[16, 23], [65, 17]];
  const random = generatorFor(checkSeed(options.seed ?? 7, "salaryData: seed"));
  const salaries = random.randint(options.low ?? 1000, options.high ?? 2500, n);
  const classes = new Array<number>(n).fill(0);
  anomalies.forEach(([row, salary], i) => {
    if (!Number.isInteger(row) || row < 0 || row >= n) {
      throw new RangeError(`anomalies[${i}]: row must be an integer in [0, ${n - 1}], got ${row}`);
    }
    if (!Number.isFinite(salary)) throw new RangeError(`anomalies[${i}]: salary must be a finite number, got ${salary}`);
    salaries[row] = salary;
    classes[row] = 1;
  });
  return pl.DataFrame({
    person: pl.Series("person", Array.from({ length: n }, (_, i) => `Person ${i + 1}`), pl.Utf8),
    salary: pl.Series("salary", salaries, pl.Float64),
    class: pl.Series("class", classes, pl.Int32),
  });
}
