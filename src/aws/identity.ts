import type { Aws } from './clients.js';
import { read } from './retry.js';

/** Who the credentials are: STS GetCallerIdentity, the one call that needs no permission. */
export async function callerIdentity(aws: Aws): Promise<{ account: string; arn: string }> {
  const sts = await aws.sts();
  const id = await read(aws, () => sts.getCallerIdentity({}));
  return { account: id.Account ?? '', arn: id.Arn ?? '' };
}
