/**
 * A statement whose named parameters are rewritten as anonymous `?`s, so an object of named values
 * can be bound as an array: the binding's named binding resolves every key by name on every call
 * (measured 3–5× the cost of positional binding for a 31-column ledger row), while positional
 * binding is one array walk. node:sqlite binds positional values only to anonymous parameters, hence
 * the rewrite rather than binding the original statement by index.
 */
export interface PositionalForm {
  /** The SQL with each named parameter occurrence replaced by `?`. */
  sql: string;
  /** The bare name bound at each `?`, in order (a name used twice appears twice). */
  slots: string[];
  /** The distinct names. */
  names: ReadonlySet<string>;
}

/**
 * Only statements whose parameters are all named, with one spelling per name, are rewritten;
 * anything else (positional `?`, `?NNN`, one name under two prefixes) returns undefined and keeps
 * the binding's named rules.
 */
export function positionalForm(sql: string): PositionalForm | undefined {
  const slots: string[] = [];
  const names = new Set<string>();
  const spelled = new Map<string, string>();
  let out = '';
  let copied = 0;
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      // A quoted literal or identifier; a doubled quote inside stays inside.
      i++;
      while (i < n) {
        if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === '[') {
      const end = sql.indexOf(']', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (c === '?') {
      return undefined;
    } else if ((c === '@' || c === ':' || c === '$') && !(i > 0 && /[A-Za-z0-9_$]/.test(sql[i - 1]!))) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(sql[j]!)) j++;
      // `$name::x` (Tcl-style suffixes) and other exotic forms are left to the binding.
      if (j === i + 1 || sql[j] === ':' || sql[j] === '(') return undefined;
      const bare = sql.slice(i + 1, j);
      const full = sql.slice(i, j);
      // The same name under two prefixes is two parameters to SQLite but one key to the caller.
      if ((spelled.get(bare) ?? full) !== full) return undefined;
      spelled.set(bare, full);
      names.add(bare);
      slots.push(bare);
      out += `${sql.slice(copied, i)}?`;
      copied = j;
      i = j;
    } else i++;
  }
  return slots.length > 0 ? { sql: out + sql.slice(copied), slots, names } : undefined;
}
