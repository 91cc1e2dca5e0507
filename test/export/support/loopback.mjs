// Preloaded into the Portkey gateway process (node --import): its start-server.js has no host flag
// and would listen on every interface, so listen calls without a host are pinned to 127.0.0.1.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const rest = args.slice(1).filter((a) => typeof a === 'function');
    return listen.call(this, { port: Number(first), host: '127.0.0.1' }, ...rest);
  }
  if (first && typeof first === 'object' && !('path' in first) && first.host === undefined) {
    return listen.call(this, { ...first, host: '127.0.0.1' }, ...args.slice(1));
  }
  return listen.apply(this, args);
};
