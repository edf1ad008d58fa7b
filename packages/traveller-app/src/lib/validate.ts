/** The checks the confirm page runs as the traveller types (the server checks the same again). */
export type FieldProblem = 'nameRequired' | 'nameTooLong' | 'nameInvalid' | 'phoneInvalid' | null;

const NAME_RE = /^[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z\s·.'-]*$/;
const PHONE_RE = /^\+?[0-9][0-9 -]{4,19}$/;

export function checkName(name: string): FieldProblem {
  const v = name.trim();
  if (!v) return 'nameRequired';
  if (v.length > 40) return 'nameTooLong';
  if (!NAME_RE.test(v)) return 'nameInvalid';
  return null;
}

export function checkPhone(phone: string): FieldProblem {
  const v = phone.trim();
  if (!v) return null;
  return PHONE_RE.test(v) ? null : 'phoneInvalid';
}
