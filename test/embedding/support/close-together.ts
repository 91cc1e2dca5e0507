/**
 * Child process for service.test.ts: two services share the worker (as the semantic cache's and
 * the router's do), load, and are closed together; prints once both closes have settled.
 */
import { EmbeddingService } from '../../../proxy/src/embedding/service';

const services = [0, 1].map(() => new EmbeddingService({ backend: 'use-lite', log: () => undefined }));
for (const s of services) s.start();
await Promise.all(services.map((s) => s.embed('hello')));
await Promise.all(services.map((s) => s.close()));
console.log('closed both');
