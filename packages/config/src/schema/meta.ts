import { z } from 'zod';

/** `meta`: stamped by the config writer; not meant to be edited by hand. */
export const metaSchema = z.strictObject({
  lastTouchedVersion: z.string().optional().describe('openclaw version that last wrote this file.'),
  lastTouchedAt: z.string().optional().describe('ISO timestamp of the last write.'),
});
