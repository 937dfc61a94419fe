/** Whether `error` is the AWS SDK error `name`: by name, not class, since the SDK's error classes are not shared between copies of a client. */
export function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
