/**
 * Child process for service.test.ts: starts the USE-lite embedder, closes it once the (slowed)
 * session build has begun, and exits 0 the way `tollgate start` does after a stop.
 */
import { existsSync } from 'node:fs';
import { EmbeddingService } from '../../../proxy/src/embedding/service';

const marker = process.env.SLOW_LOAD_MARKER ?? '';
const service = new EmbeddingService({ backend: 'use-lite', log: () => undefined });
service.start();
// After the host's own exit wait (registered by start()): when the process really leaves.
process.on('exit', () => console.log(`exited at ${Date.now()}`));
void (async () => {
  while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 20));
  // When the stop began, for the parent to time the whole stop against (epoch ms).
  console.log(`closing at ${Date.now()}`);
  await service.close();
  console.log('closed');
  process.exit(0);
})();
