#!/usr/bin/env node
/**
 * Test fixture: a tiny BERT-shaped ONNX model with random (seeded, deterministic) weights and a
 * WordPiece tokenizer, written in the folder layout transformers.js loads
 * (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx, onnx/model_quantized.onnx).
 *
 * Why: the hub is out of reach from CI, so the real transformers.js loading, download, checksum and
 * caching paths are exercised with this stand-in. Its similarities mean nothing (an embedding is a
 * masked sum of random token vectors); semantic quality is tested with the bundled USE-lite model.
 *
 * Usage: node scripts/test-setup/20-tiny-model.mjs [outDir]   (default .cache/models/tiny-bert-random)
 * Idempotent: does nothing when every file is already there.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = process.argv[2] ?? join(root, '.cache', 'models', 'tiny-bert-random');
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'];

if (FILES.every((f) => existsSync(join(outDir, f)))) {
  console.log(`tiny model present at ${outDir}`);
  process.exit(0);
}

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto');

const HIDDEN = 32;
const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
// Whole words the tests use, so most test sentences tokenise into real (distinct) tokens.
const WORDS = `the a an of to and in is it you that was for on are with as i be at this from or by not but what
can all when how your do if will about many them would so these make see has more could who may now any new work
how why where which should does reset password change account email login weather paris london sunny rain today
tomorrow cache proxy request response model prompt token cost price fast slow route budget allowed top five fifty
number order refund ship shipping cancel invoice help please thanks hello world what's`.split(/\s+/);
const CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const PUNCTUATION = Array.from('.,?!;:\'"()-');
const vocabList = [...SPECIAL_TOKENS, ...new Set([...WORDS, ...CHARS, ...CHARS.map((c) => `##${c}`), ...PUNCTUATION])];
const vocab = Object.fromEntries(vocabList.map((token, id) => [token, id]));

// Seeded xorshift32 so the fixture (and its checksum) is identical on every machine.
let seed = 0x2f6b7a1d;
function random() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return ((seed >>> 0) / 0xffffffff) * 2 - 1;
}
const tokenVectors = Float32Array.from({ length: vocabList.length * HIDDEN }, random);
const segmentVectors = Float32Array.from({ length: 2 * HIDDEN }, () => random() * 0.01);

const { DataType } = onnx.TensorProto;
const dims = (shape) => shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
const valueInfo = (name, elemType, shape) =>
  onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape: { dim: dims(shape) } } } });
const floatTensor = (name, shape, values) =>
  onnx.TensorProto.create({ name, dims: shape, dataType: DataType.FLOAT, rawData: new Uint8Array(values.buffer) });
const op = (opType, input, output, attribute = []) =>
  onnx.NodeProto.create({ opType, input, output: [output], name: `${output}_op`, attribute });

// last_hidden_state = (token_vec[input_ids] + segment_vec[token_type_ids]) * attention_mask
const graph = onnx.GraphProto.create({
  name: 'tiny_bert_random',
  input: [
    valueInfo('input_ids', DataType.INT64, ['batch', 'sequence']),
    valueInfo('attention_mask', DataType.INT64, ['batch', 'sequence']),
    valueInfo('token_type_ids', DataType.INT64, ['batch', 'sequence']),
  ],
  output: [valueInfo('last_hidden_state', DataType.FLOAT, ['batch', 'sequence', HIDDEN])],
  initializer: [
    floatTensor('token_vectors', [vocabList.length, HIDDEN], tokenVectors),
    floatTensor('segment_vectors', [2, HIDDEN], segmentVectors),
    onnx.TensorProto.create({ name: 'last_axis', dims: [1], dataType: DataType.INT64, int64Data: [-1] }),
  ],
  node: [
    op('Gather', ['token_vectors', 'input_ids'], 'token_part'),
    op('Gather', ['segment_vectors', 'token_type_ids'], 'segment_part'),
    op('Add', ['token_part', 'segment_part'], 'summed'),
    op('Cast', ['attention_mask'], 'mask_float', [
      onnx.AttributeProto.create({ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.FLOAT }),
    ]),
    op('Unsqueeze', ['mask_float', 'last_axis'], 'mask_3d'),
    op('Mul', ['summed', 'mask_3d'], 'last_hidden_state'),
  ],
});
const modelBytes = onnx.ModelProto.encode(
  onnx.ModelProto.create({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], producerName: 'tollgate-tiny-bert', graph }),
).finish();

const special = (token) => ({ id: vocab[token], content: token, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
const tokenizer = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: SPECIAL_TOKENS.map(special),
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
    pair: [
      { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
      { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
    ],
    special_tokens: {
      '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
      '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
    },
  },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
};
const config = {
  model_type: 'bert', architectures: ['BertModel'], hidden_size: HIDDEN, vocab_size: vocabList.length,
  num_hidden_layers: 1, num_attention_heads: 1, intermediate_size: HIDDEN, max_position_embeddings: 512,
  type_vocab_size: 2, pad_token_id: 0,
};
const tokenizerConfig = {
  tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512, clean_up_tokenization_spaces: true,
  cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]',
};

// Write into a sibling temp folder and rename, so a crash never leaves a half-written fixture
// that the idempotency check above would accept.
const tmpDir = `${outDir}.tmp-${process.pid}`;
rmSync(tmpDir, { recursive: true, force: true });
mkdirSync(join(tmpDir, 'onnx'), { recursive: true });
writeFileSync(join(tmpDir, 'onnx', 'model.onnx'), modelBytes);
// Same graph under the quantized name: transformers.js picks it for dtype 'q8', as Tollgate loads MiniLM.
writeFileSync(join(tmpDir, 'onnx', 'model_quantized.onnx'), modelBytes);
writeFileSync(join(tmpDir, 'config.json'), JSON.stringify(config, null, 2));
writeFileSync(join(tmpDir, 'tokenizer.json'), JSON.stringify(tokenizer));
writeFileSync(join(tmpDir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
mkdirSync(dirname(outDir), { recursive: true });
rmSync(outDir, { recursive: true, force: true });
renameSync(tmpDir, outDir);
console.log(`wrote ${outDir} (vocab ${vocabList.length}, hidden ${HIDDEN}, onnx ${modelBytes.length} bytes)`);
