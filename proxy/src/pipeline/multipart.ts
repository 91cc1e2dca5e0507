/**
 * Multipart uploads (image edits, audio transcription): the form's text fields stand in for a
 * JSON body — model, stream, user, prompt — so routing, identity, budgets and the ledger read them
 * as they read any request, and the form goes upstream as multipart again with its files as they
 * came and its text fields as the pipeline left them (a model a fallback or a `provider/` prefix changed).
 * The parsed form is held per request, never stored.
 */
import { FormData, Response } from 'undici';
import type { Json } from '../providers/types';

const forms = new WeakMap<object, FormData>();

/** The form of a multipart request body, or undefined when the body is not one. */
export async function readForm(raw: Buffer, contentType: string): Promise<FormData | undefined> {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  try {
    return await new Response(new Uint8Array(raw.buffer, raw.byteOffset, raw.length), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
}

/**
 * The form's text fields as a JSON object: a repeated name (`include[]`, `timestamp_granularities[]`)
 * as an array, and `stream` as the boolean the SDKs mean by "true"/"false". Files are left out.
 */
export function formFields(form: FormData): Json {
  const out: Json = {};
  for (const [name, value] of form.entries()) {
    if (typeof value !== 'string') continue;
    const v: unknown = name === 'stream' && (value === 'true' || value === 'false') ? value === 'true' : value;
    const prev = out[name];
    out[name] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  return out;
}

/** The form to send upstream: its files in place, its text fields from `body` (each value of an array in turn). */
export function formToSend(form: FormData, body: Json): FormData {
  const out = new FormData();
  const written = new Set<string>();
  const writeField = (name: string) => {
    if (written.has(name)) return;
    written.add(name);
    const v = body[name];
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === undefined || item === null) continue;
      out.append(name, typeof item === 'string' ? item : typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  };
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') writeField(name);
    else out.append(name, value, value.name);
  }
  for (const name of Object.keys(body)) writeField(name);
  return out;
}

export function rememberForm(req: object, form: FormData): void {
  forms.set(req, form);
}

export function formOf(req: object): FormData | undefined {
  return forms.get(req);
}
