import { PurposeGuardError } from '../../errors.js';
import type { ConsentStatus } from '../../store/store.js';
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { printJson, selectorOf, SUBJECT_OPTIONS } from '../subject-options.js';

function changeCommand(verb: 'grant' | 'withdraw' | 'deny', status: ConsentStatus): Command {
  const tcf = verb === 'grant'
    ? { tcf: { type: 'string', description: 'an IAB TCF v2 consent string instead of --purpose' } } as const
    : {};
  return {
    name: `consent ${verb}`,
    summary: `record that a subject ${status === 'granted' ? 'granted' : status === 'denied' ? 'refused' : 'withdrew'} consent to a purpose`,
    args: '--email A|--phone P|--subject ID --purpose P',
    options: {
      ...SUBJECT_OPTIONS,
      purpose: { type: 'string', description: 'the purpose, as named in the policy' },
      evidence: { type: 'string', description: 'a reference to the evidence (form id, ticket)' },
      ...tcf,
    },
    help: 'Takes effect on the next read. Prints a receipt with the hashed subject.',
    async run(ctx) {
      const purpose = stringOption(ctx, 'purpose');
      const tcfString = stringOption(ctx, 'tcf');
      if ((purpose === undefined) === (tcfString === undefined)) {
        const what = verb === 'grant' ? '--purpose P or --tcf STRING' : '--purpose P';
        throw new PurposeGuardError('invalid_request', `consent ${verb} needs ${what}`);
      }
      const evidence = stringOption(ctx, 'evidence');
      const pg = await ctx.open();
      try {
        const receipt = tcfString !== undefined
          ? await pg.consentFromTcf({ ...selectorOf(ctx), tcf: tcfString, actor: 'cli' })
          : await pg.consent({
            ...selectorOf(ctx), purpose: purpose ?? '', status, actor: 'cli',
            ...(evidence !== undefined ? { evidence } : {}),
          });
        printJson(ctx, receipt);
        return 0;
      } finally {
        await pg.close();
      }
    },
  };
}

export const consentGrant = changeCommand('grant', 'granted');
export const consentWithdraw = changeCommand('withdraw', 'withdrawn');
export const consentDeny = changeCommand('deny', 'denied');

export const consentShow: Command = {
  name: 'consent show',
  summary: 'a subject\'s latest consent per purpose and the number of changes',
  args: '--email A|--phone P|--subject ID',
  options: SUBJECT_OPTIONS,
  async run(ctx) {
    const pg = await ctx.open();
    try {
      printJson(ctx, await pg.consentOf(selectorOf(ctx)));
      return 0;
    } finally {
      await pg.close();
    }
  },
};
