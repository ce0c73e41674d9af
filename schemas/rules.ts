// Rules: the versioned alarm configuration (YAML or JSON in the config bucket, hot-reloaded by
// detect). Contradictions a schema cannot see (H above HH, kClear ≥ k, ...) and the precedence
// between rules are handled in functions/core/rules.ts.
import Type, { type Static } from 'typebox';
import { Priority } from './alarm-event.ts';

const Seconds = (description: string) => Type.Number({ minimum: 0, description });

export const BadQualityMode = Type.Enum(['ignore', 'alarm', 'hold'], {
  description:
    'What a reading with OPC UA quality "bad" does: ignore = skipped by every detector; alarm = raises BAD_QUALITY and freezes the other conditions; hold = the limit conditions see the last good value instead',
});
export type BadQualityMode = Static<typeof BadQualityMode>;

export const Limits = Type.Object(
  {
    HH: Type.Optional(Type.Number()),
    H: Type.Optional(Type.Number()),
    L: Type.Optional(Type.Number()),
    LL: Type.Optional(Type.Number()),
  },
  { additionalProperties: false, description: 'Absolute limits in engineering units; HH > H > L > LL' },
);
export type Limits = Static<typeof Limits>;

export const StatOptions = Type.Object(
  {
    alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'EWMA weight of a new reading (default 0.01)' })),
    k: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Flag when |x − mean| > k·sigma (default 4)' })),
    kClear: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Clear when |x − mean| < kClear·sigma; below k (default 0.75·k)' })),
    warmup: Type.Optional(Type.Integer({ minimum: 1, description: 'Readings that only train the model (default 100)' })),
    minSigma: Type.Optional(Type.Number({ minimum: 0, description: 'Floor for sigma in engineering units (default 0)' })),
    freezeWhileActive: Type.Optional(
      Type.Boolean({
        description:
          'Do not learn while STAT is active or pending, so a long excursion stays flagged; a lasting level shift then stays flagged too (default false)',
      }),
    ),
  },
  { additionalProperties: false, description: 'Statistical detector: EWMA mean and variance per tag' },
);
export type StatOptions = Static<typeof StatOptions>;

/** Settings that `defaults` may give to every rule: each has a neutral value, so no rule needs to unset it. */
const commonSettings = {
  deadband: Type.Optional(Type.Number({ minimum: 0, description: 'Hysteresis for HH/H/L/LL, engineering units (ISA-18.2 §11.5)' })),
  onDelay: Type.Optional(Seconds('Seconds (event time) a condition must hold before it becomes active')),
  offDelay: Type.Optional(Seconds('Seconds (event time) a condition must be gone before it clears')),
  priority: Type.Optional(Priority),
  badQuality: Type.Optional(BadQualityMode),
};

const ruleSettings = {
  ...commonSettings,
  priorities: Type.Optional(
    Type.Object(
      {
        HH: Type.Optional(Priority),
        H: Type.Optional(Priority),
        L: Type.Optional(Priority),
        LL: Type.Optional(Priority),
        ROC: Type.Optional(Priority),
        STALE: Type.Optional(Priority),
        BAD_QUALITY: Type.Optional(Priority),
        STAT: Type.Optional(Priority),
      },
      { additionalProperties: false, description: 'Priority per condition, over `priority`' },
    ),
  ),
  limits: Type.Optional(Limits),
  maxRateOfChange: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Largest allowed |Δvalue/Δt|, engineering units per second' })),
  staleTimeout: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Seconds without a reading before STALE' })),
  stat: Type.Optional(StatOptions),
};

export const RuleDefaults = Type.Object(commonSettings, { additionalProperties: false });
export type RuleDefaults = Static<typeof RuleDefaults>;

const Glob = Type.String({ minLength: 1, description: 'Letters, digits, * (any run) and ? (one character)' });

export const Rule = Type.Object(
  {
    tag: Type.Optional(Type.String({ minLength: 1, description: 'One exact KKS code' })),
    prefix: Type.Optional(Type.String({ minLength: 1, description: 'Every code starting with these characters (normalised)' })),
    parts: Type.Optional(
      Type.Object(
        { plant: Type.Optional(Glob), function: Type.Optional(Glob), equipment: Type.Optional(Glob), component: Type.Optional(Glob) },
        { additionalProperties: false, description: 'A glob per KKS breakdown level; a missing level matches anything' },
      ),
    ),
    description: Type.Optional(Type.String()),
    ...ruleSettings,
  },
  { additionalProperties: false, description: 'Exactly one of tag, prefix or parts says which tags it covers' },
);
export type Rule = Static<typeof Rule>;

export const RulesDocument = Type.Object(
  {
    version: Type.String({ minLength: 1, description: 'Version of this rule set; stamped on every alarm event' }),
    defaults: Type.Optional(RuleDefaults),
    rules: Type.Array(Rule),
  },
  {
    additionalProperties: false,
    title: 'Rules',
    description:
      'Alarm rules. One rule applies per tag: an exact tag beats any pattern, then the pattern with more literal characters, then the earlier rule. Fields the winning rule leaves out come from defaults, never from another rule.',
  },
);
export type RulesDocument = Static<typeof RulesDocument>;
