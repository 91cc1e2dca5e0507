/**
 * Entry bundled by bundle.test.ts the way scripts/build.mjs bundles the CLI, to prove the service
 * finds `embedding-worker.js` beside the bundle. argv: <dataDir> <modelId> <pinJson>.
 */
import { registerKnownModel, type KnownModel } from '../../../proxy/src/embedding/models/known-models';
import { EmbeddingService } from '../../../proxy/src/embedding/service';

const [dataDir, modelId, pinJson] = process.argv.slice(2) as [string, string, string];
registerKnownModel(JSON.parse(pinJson) as KnownModel);
const service = new EmbeddingService({ backend: 'transformers', dataDir, modelId, allowDownload: false, log: () => undefined });
service.start();
const info = await service.ready();
const vectors = await Promise.all(['hello world', 'reset my password'].map((t) => service.embed(t)));
await service.close();
process.stdout.write(JSON.stringify({ info, lengths: vectors.map((v) => v.length), batches: service.stats.batches }));
