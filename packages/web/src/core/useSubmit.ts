import { useMutation } from '@tanstack/react-query';
import { App, type FormInstance } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { ApiError, errorText } from './api.ts';
import { useInvalidate } from './query.tsx';

export interface SubmitOptions<V, R> {
  /** Sends the form's values; its answer goes to `onDone`. */
  send: (values: V) => Promise<R>;
  /** Paths whose queries are stale after a success (e.g. '/api/cases'). */
  invalidates?: string[];
  /** Shown after a success. */
  success?: string;
  onDone?: (result: R, values: V) => void;
  /**
   * The form field a server field error belongs to. The server names fields by their JSON pointer
   * below the body ('phone', 'rules/0/departmentId'); by default the first segment is the field.
   */
  field?: (name: string) => (string | number)[] | string | null;
}

/**
 * One submit for every form: validates, sends, refreshes what the write made stale, and on a
 * refusal puts each of the server's field errors under its field and the message above the form.
 */
export function useSubmit<V = Record<string, unknown>, R = unknown>(
  form: FormInstance<V> | null,
  options: SubmitOptions<V, R>,
) {
  const { message } = App.useApp();
  const { lang } = useI18n();
  const invalidate = useInvalidate();
  const [error, setError] = useState<string | null>(null);
  const mutation = useMutation<R, Error, V>({ mutationFn: options.send });

  const submit = async (given?: V): Promise<R | undefined> => {
    let values: V;
    try {
      values = given ?? (form ? await form.validateFields() : ({} as V));
    } catch {
      return undefined; // the form shows what is missing
    }
    setError(null);
    try {
      const result = await mutation.mutateAsync(values);
      if (options.invalidates?.length) await invalidate(...options.invalidates);
      if (options.success) message.success(options.success);
      options.onDone?.(result, values);
      return result;
    } catch (err) {
      setError(errorText(err, lang));
      if (form && err instanceof ApiError && err.fields)
        form.setFields(fieldErrors(err.fields, options.field));
      return undefined;
    }
  };

  return { submit, busy: mutation.isPending, error, clearError: () => setError(null) };
}

/** The server's `{ field: message }` as antd `setFields` entries (unknown fields left to the alert). */
export function fieldErrors(
  fields: Record<string, string>,
  map: SubmitOptions<never, never>['field'] = (name) => name.split('/')[0] ?? name,
): { name: never; errors: string[] }[] {
  return Object.entries(fields).flatMap(([name, msg]) => {
    const target = map(name);
    return target === null ? [] : [{ name: target as never, errors: [msg] }];
  });
}
