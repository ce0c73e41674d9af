// Energy tariffs (config/tariffs.yaml in the config bucket, loaded by the daily job into BigQuery
// `tariffs` and `energy_meters`): prices per kWh by time-of-use band, weekday and hour in the
// site's time zone, with validity periods, and the meters billed under them.
import Type, { type Static } from 'typebox';
import { SITE_PATTERN } from './reading-batch.ts';

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const TariffBand = Type.Object(
  {
    band: Type.String({ minLength: 1, maxLength: 32, description: 'Band name, e.g. "peak"' }),
    days: Type.Array(Type.Union(WEEKDAYS.map((d) => Type.Literal(d))), { minItems: 1, maxItems: 7, description: 'Local weekdays the band applies on' }),
    fromHour: Type.Integer({ minimum: 0, maximum: 23, description: 'First local hour of the band (inclusive)' }),
    toHour: Type.Integer({ minimum: 1, maximum: 24, description: 'Local hour the band ends (exclusive; 24 = midnight)' }),
    pricePerKwh: Type.Number({ minimum: 0, description: 'Energy price in the tariff currency per kWh' }),
  },
  { additionalProperties: false },
);
export type TariffBand = Static<typeof TariffBand>;

export const TariffEntry = Type.Object(
  {
    tariff: Type.String({ minLength: 1, maxLength: 64, description: 'Tariff name, e.g. "FDR-01 business TOU"' }),
    site: Type.String({ pattern: SITE_PATTERN, description: 'Site billed under the tariff' }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone of the bands, e.g. "Europe/Berlin"' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code, e.g. "EUR"' }),
    validFrom: Type.String({ pattern: DATE, description: 'First local day the tariff applies (inclusive)' }),
    validTo: Type.Optional(Type.String({ pattern: DATE, description: 'Local day the tariff stops applying (exclusive); open-ended if absent' })),
    demandChargePerKw: Type.Optional(Type.Number({ minimum: 0, description: 'Charge per kW of the monthly peak 15-minute demand' })),
    bands: Type.Array(TariffBand, { minItems: 1, maxItems: 168, description: 'Time-of-use bands; together they cover every weekday hour exactly once' }),
  },
  { additionalProperties: false },
);
export type TariffEntry = Static<typeof TariffEntry>;

export const EnergyMeter = Type.Object(
  {
    site: Type.String({ pattern: SITE_PATTERN }),
    tag: Type.String({ minLength: 1, maxLength: 40, description: 'KKS code of the meter tag' }),
    kind: Type.Union([Type.Literal('register'), Type.Literal('power')], {
      description: 'register: cumulative kWh counter; power: kW, integrated over time',
    }),
    rolloverAt: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: 'A register wraps to 0 at this value (e.g. 999999.9 kWh); a drop from above 90 % of it is a rollover, any other drop a reset',
      }),
    ),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type EnergyMeter = Static<typeof EnergyMeter>;

export const TariffsDocument = Type.Object(
  {
    version: Type.String({ minLength: 1, maxLength: 64, description: 'Version of this file, stamped on every loaded row' }),
    tariffs: Type.Array(TariffEntry),
    meters: Type.Array(EnergyMeter, { description: "Energy meters costed under their site's tariff" }),
  },
  { additionalProperties: false, title: 'Tariffs', description: 'Energy tariffs and the meters billed under them' },
);
export type TariffsDocument = Static<typeof TariffsDocument>;
