import { z } from 'zod';

/** A boolean selector key. Ocean's own defaults write them quoted (`defaultTeam: 'true'`), so strings count too. */
export const flag = (defaultValue: boolean) =>
  z
    .union([z.boolean(), z.enum(['true', 'false', 'True', 'False'])])
    .default(defaultValue)
    .transform((v) => (typeof v === 'boolean' ? v : v.toLowerCase() === 'true'));

/** A positive whole number, also accepted as a numeric string. */
export const positiveInt = (defaultValue: number) => z.coerce.number().int().min(1).default(defaultValue);

/** One string or a list of strings, always a list afterwards. */
export const stringList = () => z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));
