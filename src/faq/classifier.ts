// An intent classifier: multinomial logistic regression over character n-grams and words,
// trained when the FAQ starts from the phrasings of every language at once. The labels do not
// depend on the language, so a question that mixes languages ("номер не работает 2 days,
// refund?") is read with all its words, and character n-grams carry inflections and typos
// that no word list knows. Its probabilities are what the matcher's confidence starts from.
import { tokenize } from "./text.ts";

/** Character n-grams of these lengths, inside a word padded with a space on each side. */
const MIN_N = 3;
const MAX_N = 5;
/** Passes over the training phrasings, and the learning rate of the first one. */
const EPOCHS = 12;
const LEARNING_RATE = 0.8;
/** Weight decay per update: keeps rare n-grams from deciding alone. */
const DECAY = 1e-5;
/** The labels' own weights learn this much slower: how many phrasings a label has must not decide. */
const BIAS_RATE = 0.1;

export interface Sample {
  label: string;
  text: string;
  /** How much this sample's updates count (default 1). */
  weight?: number;
}

export interface Classifier {
  readonly labels: readonly string[];
  /** The probability of every label for `text`, in the order of `labels`. */
  probabilities(text: string): Float64Array;
}

/** Features of a text: its words, their bigrams and their character n-grams. */
export function featuresOf(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (f: string) => counts.set(f, (counts.get(f) ?? 0) + 1);
  let previous = "";
  for (const word of tokenize(text)) {
    add(`w ${word}`);
    if (previous !== "") add(`b ${previous} ${word}`);
    previous = word;
    const padded = ` ${word} `;
    for (let n = MIN_N; n <= MAX_N; n++) {
      for (let i = 0; i + n <= padded.length; i++) add(padded.slice(i, i + n));
    }
  }
  return counts;
}

interface Vector {
  index: Int32Array;
  value: Float64Array;
}

/** Sublinear counts, scaled to unit length, so that long and short texts weigh alike. */
function vectorize(counts: Map<string, number>, ids: Map<string, number>, grow: boolean): Vector {
  // Typed arrays filled in place: `Float64Array.from` with a mapping function took most of the
  // time of a long message's classification.
  const index = new Int32Array(counts.size);
  const value = new Float64Array(counts.size);
  let size = 0;
  let norm = 0;
  for (const [f, c] of counts) {
    let id = ids.get(f);
    if (id === undefined) {
      if (!grow) continue;
      id = ids.size;
      ids.set(f, id);
    }
    const v = 1 + Math.log(c);
    index[size] = id;
    value[size] = v;
    size++;
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < size; i++) value[i] = (value[i] ?? 0) * scale;
  return { index: index.subarray(0, size), value: value.subarray(0, size) };
}

function softmaxInPlace(z: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp((z[k] ?? 0) - max);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = (z[k] ?? 0) / sum;
}

/** Trains on `samples`; the order is shuffled with a fixed seed, so every start is the same. */
export function trainClassifier(samples: readonly Sample[]): Classifier {
  const labels = [...new Set(samples.map((s) => s.label))];
  const labelId = new Map(labels.map((l, i) => [l, i]));
  const k = labels.length;
  const ids = new Map<string, number>();
  const data = samples.map((s) => ({
    x: vectorize(featuresOf(s.text), ids, true),
    y: labelId.get(s.label) ?? 0,
    w: s.weight ?? 1,
  }));
  const weights = new Float64Array(ids.size * k);
  const bias = new Float64Array(k);
  const z = new Float64Array(k);

  const logits = (x: Vector, out: Float64Array) => {
    out.set(bias);
    for (let j = 0; j < x.index.length; j++) {
      const row = (x.index[j] ?? 0) * k;
      const v = x.value[j] ?? 0;
      for (let c = 0; c < k; c++) out[c] = (out[c] ?? 0) + v * (weights[row + c] ?? 0);
    }
  };

  let seed = 16;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const order = data.map((_, i) => i);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    const rate = LEARNING_RATE / (1 + epoch / 4);
    for (const i of order) {
      const d = data[i];
      if (d === undefined) continue;
      logits(d.x, z);
      softmaxInPlace(z);
      for (let c = 0; c < k; c++) {
        const g = d.w * ((z[c] ?? 0) - (c === d.y ? 1 : 0));
        bias[c] = (bias[c] ?? 0) - rate * g * BIAS_RATE;
        z[c] = g;
      }
      for (let j = 0; j < d.x.index.length; j++) {
        const row = (d.x.index[j] ?? 0) * k;
        const v = d.x.value[j] ?? 0;
        for (let c = 0; c < k; c++) {
          const w = weights[row + c] ?? 0;
          weights[row + c] = w * (1 - DECAY) - rate * (z[c] ?? 0) * v;
        }
      }
    }
  }

  return {
    labels,
    probabilities(text) {
      const out = new Float64Array(k);
      logits(vectorize(featuresOf(text), ids, false), out);
      softmaxInPlace(out);
      return out;
    },
  };
}
