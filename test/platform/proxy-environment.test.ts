/** The proxy's environment on Windows, where names keep the case they were set with (`Path`, not `PATH`). */
import { describe, expect, it } from 'vitest';
import { proxyEnvironment } from '../../extension/src/proxy/environment';

// What Object.entries(process.env) yields in a Windows extension host.
const WINDOWS_ENV = {
  Path: 'C:\\Program Files\\nodejs\\;C:\\Windows\\system32',
  PATHEXT: '.COM;.EXE;.BAT;.CMD',
  SystemRoot: 'C:\\Windows',
  windir: 'C:\\Windows',
  ComSpec: 'C:\\Windows\\system32\\cmd.exe',
  TEMP: 'C:\\Users\\Zoë\\AppData\\Local\\Temp',
  USERPROFILE: 'C:\\Users\\Zoë',
  AppData: 'C:\\Users\\Zoë\\AppData\\Roaming',
  LocalAppData: 'C:\\Users\\Zoë\\AppData\\Local',
  Https_Proxy: 'http://proxy.corp:8080',
  Tollgate_Allow_Key_Env: 'azure_openai_key',
  AZURE_OPENAI_KEY: 'az-secret',
  GITHUB_TOKEN: 'ghp-secret',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
};

describe('proxyEnvironment on Windows', () => {
  it('passes Path, AppData and the rest whatever their case, with the names as spelt', () => {
    const env = proxyEnvironment(WINDOWS_ENV, 'win32');
    expect(env.Path).toBe(WINDOWS_ENV.Path);
    expect(env.AppData).toBe(WINDOWS_ENV.AppData);
    expect(env.LocalAppData).toBe(WINDOWS_ENV.LocalAppData);
    expect(env.Https_Proxy).toBe(WINDOWS_ENV.Https_Proxy);
    expect(env.SystemRoot).toBe('C:\\Windows');
    // A key the user allowed, named in another case, still passes; other secrets still do not.
    expect(env.AZURE_OPENAI_KEY).toBe('az-secret');
    expect(env.GITHUB_TOKEN).toBeUndefined();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
  });

  it('keeps exact-case names elsewhere (on Linux `Path` is another variable)', () => {
    const env = proxyEnvironment({ Path: '/x', PATH: '/usr/bin', GITHUB_TOKEN: 'g' }, 'linux');
    expect(env).toEqual({ PATH: '/usr/bin' });
  });
});
