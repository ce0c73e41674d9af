// The CLI's flags that mirror a function's setting, built from the config table
// (functions/core/function-env.ts): the same flag name, environment fallback, description and
// default wherever a command takes them, so `plantlake daily` reads what the daily function reads.
import { InvalidArgumentError, Option } from 'commander';
import { SETTINGS, SettingsError, readSettings, type SettingKey } from '../functions/core/function-env.ts';

export interface SettingOptionChoices {
  /** Help text when the command uses the setting more narrowly than the table says. */
  readonly description?: string;
  /** Show and apply the table's default (for settings that have one). */
  readonly withDefault?: boolean;
  /** Check the value (flag or environment) with the table's parser. */
  readonly checked?: boolean;
}

/** The flag of a table setting, with its variable as the environment fallback. */
export function settingOption(key: SettingKey, choices: SettingOptionChoices = {}): Option {
  const s = SETTINGS[key];
  if (!('flag' in s) || !s.flag) throw new Error(`function-env.ts declares no CLI flag for ${s.env}`);
  const option = new Option(s.flag, choices.description ?? s.description).env(s.env);
  if (choices.checked) {
    option.argParser((value: string) => {
      try {
        return readSettings([key], { [s.env]: value })[key];
      } catch (err) {
        if (err instanceof SettingsError) throw new InvalidArgumentError(err.message);
        throw err;
      }
    });
  }
  if (choices.withDefault) option.default(s.parse(undefined));
  return option;
}
