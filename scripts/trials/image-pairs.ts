// Trial of Fashion-MNIST class pairs for notebooks/09-image-anomalies.ipynb: for each "normal:planted" pair,
// the notebook's protocol (n normal + 1% planted, seeded draw, the article's strided conv autoencoder, MSE)
// and an isolation forest for contrast; prints precision at k (k = number planted) and ROC-AUC.
// Usage: node --import tsx scripts/trials/image-pairs.ts quick|full SEED NORMAL:PLANTED [...]
import {
  loadFashionMnist, fashionMnistRows, FASHION_MNIST_CLASSES, ConvAutoencoderDetector, IForestDetector,
  useBackend, precisionAtN, rocAuc, RandomState,
} from "../../src/index";

const [mode, seedArg, ...pairs] = process.argv.slice(2);
if ((mode !== "quick" && mode !== "full") || seedArg === undefined || pairs.length === 0) {
  throw new Error("usage: image-pairs.ts quick|full SEED NORMAL:PLANTED [...]");
}
async function main(): Promise<void> {
const quick = mode === "quick";
const seed = Number(seedArg);
await useBackend();
const train = await loadFashionMnist({ split: "train" });
const ofClass = (c: number) => [...train.labels.keys()].filter((i) => train.labels[i] === c);

for (const pair of pairs) {
  const [NORMAL, PLANTED] = pair.split(":").map(Number) as [number, number];
  const nNormal = Number(process.env.TRIAL_N ?? (quick ? 500 : 2000));
  const nPlanted = Math.round(nNormal * 0.01);
  const rng = new RandomState(seed);
  const normalIdx = rng.choice(ofClass(NORMAL).length, nNormal, { replace: false }).map((i) => ofClass(NORMAL)[i]!);
  const plantedIdx = rng.choice(ofClass(PLANTED).length, nPlanted, { replace: false }).map((i) => ofClass(PLANTED)[i]!);
  const order = rng.permutation(nNormal + nPlanted);
  const indices = order.map((k) => (k < nNormal ? normalIdx[k]! : plantedIdx[k - nNormal]!));
  const X = fashionMnistRows(train, indices);
  const y = order.map((k) => (k < nNormal ? 0 : 1));
  const cae = new ConvAutoencoderDetector({
    filters: [32, 64], latentDim: 16, architecture: "strided", epochs: Number(process.env.TRIAL_EPOCHS ?? (quick ? 2 : 10)), batchSize: 32, learningRate: 1e-3,
    contamination: 0.01, seed, progress: false,
  });
  await cae.fit(X);
  const e = cae.trainingScores;
  const iforest = new IForestDetector({ seed }).fit(X);
  const row = {
    mode, seed, n: X.length, epochs: cae.history.loss.length, normal: FASHION_MNIST_CLASSES[NORMAL], planted: FASHION_MNIST_CLASSES[PLANTED], k: nPlanted,
    caePrecision: precisionAtN(y, e, { n: nPlanted }), caeAuc: rocAuc(y, e),
    ifPrecision: precisionAtN(y, iforest.trainingScores, { n: nPlanted }), ifAuc: rocAuc(y, iforest.trainingScores),
    caeAtHalfK: precisionAtN(y, e, { n: Math.ceil(nPlanted / 2) }),
    loss: cae.history.loss.at(-1), seconds: cae.history.seconds,
    // 1-based positions of the planted images in the error ranking (largest error first)
    plantedRanks: [...e.keys()].sort((a, b) => e[b]! - e[a]!).map((i, r) => (y[i] === 1 ? r + 1 : 0)).filter((r) => r > 0),
  };
  console.log(JSON.stringify(row));
}
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
