/** What one preflight check found: whether it passed, in words, and what later steps need from it. */
export interface Found<T> {
  readonly ok: boolean;
  readonly detail: string;
  readonly value?: T;
}
