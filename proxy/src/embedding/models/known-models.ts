/**
 * Models the transformers.js backend may load, each pinned to the exact bytes of its weights file.
 * A download or import whose weights do not match the pin is refused, so a corrupted transfer, a
 * changed upstream revision or a tampered mirror never reaches the ONNX runtime.
 */
export interface PinnedFile {
  /** Path inside the model folder, e.g. `onnx/model_quantized.onnx`. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface KnownModel {
  /** Hub id (`owner/name`); also the folder under `<dataDir>/models/`. */
  id: string;
  dimensions: number;
  /** Every file transformers.js reads for feature extraction with dtype q8. */
  files: string[];
  /** The weights file and its pin (small JSON files are not pinned; the weights are what matter). */
  weights: PinnedFile;
}

export const MINILM_MODEL_ID = 'Xenova/all-MiniLM-L6-v2';

/** Files of a transformers.js BERT-style sentence model loaded with dtype q8. */
export const BERT_Q8_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'];

const knownModels = new Map<string, KnownModel>([
  [
    MINILM_MODEL_ID,
    {
      id: MINILM_MODEL_ID,
      dimensions: 384,
      files: BERT_Q8_FILES,
      weights: {
        path: 'onnx/model_quantized.onnx',
        bytes: 22_972_370,
        sha256: 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1',
      },
    },
  ],
]);

/** Adds or replaces a pin (tests register their fixture model; deployments may add a vetted model). */
export function registerKnownModel(model: KnownModel): void {
  knownModels.set(model.id, model);
}

export function requireKnownModel(modelId: string): KnownModel {
  const model = knownModels.get(modelId);
  if (!model) {
    throw new Error(
      `no pinned checksum for model "${modelId}": Tollgate only loads models whose weights it can verify ` +
        `(known: ${[...knownModels.keys()].join(', ')})`,
    );
  }
  return model;
}
