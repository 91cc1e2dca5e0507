/** The CLI's data directory from `TOLLGATE_DATA_DIR` as Windows shells set it, agreeing with the model commands. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../proxy/src/cli/paths';
import { defaultDataDir as modelsDataDir } from '../../proxy/src/embedding/models/paths';

describe('defaultDataDir', () => {
  it('ignores the space cmd keeps after `set TOLLGATE_DATA_DIR=… ` (ledger and models in one folder)', () => {
    const dir = join(homedir(), 'tollgate data');
    const env = { TOLLGATE_DATA_DIR: `${dir} ` };
    expect(defaultDataDir(env)).toBe(dir);
    expect(defaultDataDir(env)).toBe(resolve(modelsDataDir(env)));
  });

  it('falls back to ~/.tollgate when the variable is blank, not to a folder named by spaces', () => {
    expect(defaultDataDir({ TOLLGATE_DATA_DIR: '  ' })).toBe(join(homedir(), '.tollgate'));
    expect(defaultDataDir({})).toBe(join(homedir(), '.tollgate'));
  });
});
