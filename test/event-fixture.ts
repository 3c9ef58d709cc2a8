/** A minimal valid conversions-API event with `fields` laid over it. */
export function event(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    event_name: 'Purchase',
    event_time: 1764806400,
    action_source: 'website',
    user_data: { em: ['someone@example.com'] },
    ...fields,
  };
}
