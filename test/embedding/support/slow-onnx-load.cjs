/**
 * Preloaded (--require) into a child process and its worker threads: in the embedding worker,
 * building onnxruntime's session becomes a native step of ~2.5 s, or $SLOW_LOAD_MS (the real
 * loadModel, run again and again), as on a very busy machine, and $SLOW_LOAD_MARKER is written when
 * it begins. Only native
 * calls run in that time, so an exit during it meets onnxruntime mid-call.
 */
const { isMainThread } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');

if (!isMainThread) {
  const ort = require('onnxruntime-node');
  const { binding } = require('onnxruntime-node/dist/binding');
  const create = ort.InferenceSession.create;
  ort.InferenceSession.create = async function slowCreate(model, options) {
    const session = await create.call(this, model, options);
    writeFileSync(process.env.SLOW_LOAD_MARKER, 'begun');
    for (const end = Date.now() + Number(process.env.SLOW_LOAD_MS || 2_500); Date.now() < end; ) {
      const again = new binding.InferenceSession();
      again.loadModel(model.buffer, model.byteOffset, model.byteLength, options);
      again.dispose();
    }
    return session;
  };
}
