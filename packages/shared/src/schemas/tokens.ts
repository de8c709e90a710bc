import { Type } from 'typebox';
import { CASE_PHOTO_MAX } from '../cases.ts';

/** Tokens of photos uploaded beforehand, claimed by the action that sends them. */
export const PhotoTokens = () =>
  Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' }), {
    maxItems: CASE_PHOTO_MAX,
    uniqueItems: true,
  });
