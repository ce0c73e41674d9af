// The lake: the raw bucket (system of record), the config bucket (rules, tag catalog; versioned
// so a bad rules upload can be rolled back) and the bucket holding function source archives.
// Every bucket enforces public access prevention and uniform bucket-level access.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { bucketNames, OBJECTS } from '../../functions/core/resources.ts';
import { optionalFile } from '../sources.ts';

export interface LakeArgs {
  /** Bucket location (the region). */
  readonly location: string;
  readonly bucketPrefix: string;
  /** Delete raw objects this many days after their last write; undefined keeps them. */
  readonly retentionDays: number | undefined;
  readonly protect: boolean;
  /** Repository files uploaded to the config bucket when present. */
  readonly rulesFile: string;
  readonly tagCatalogFile: string;
}

/**
 * Raw prefixes the bucket's age rule may delete: quarantine records only. Readings and alarm
 * events are deleted by the daily job alone, and only for a day whose current objects were loaded
 * (functions/daily/plan.ts planLifecycle): an age rule cannot tell a day never loaded (a late
 * back-fill, a load that keeps failing) from one in BigQuery. Alarm state (state/) never ages out.
 */
export const RETENTION_PREFIXES = [OBJECTS.quarantinePrefix];

/** detect's outbox of alarm events not yet delivered (functions/core/alarm-outbox.ts). */
export const OUTBOX_PREFIX = OBJECTS.alarmOutboxPrefix;
const OUTBOX_MAX_AGE_DAYS = 7;

/** Coldline bills at least 90 days per object. https://cloud.google.com/storage/docs/storage-classes#coldline */
const COLDLINE_MIN_DAYS = 90;

export class Lake extends pulumi.ComponentResource {
  readonly raw: gcp.storage.Bucket;
  readonly config: gcp.storage.Bucket;
  readonly functionSources: gcp.storage.Bucket;

  constructor(name: string, args: LakeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:Lake', name, {}, opts);
    const names = bucketNames(args.bucketPrefix);
    // Two locks in prod: Pulumi's protect and the provider's deletion policy; forceDestroy off
    // so a bucket with objects is never emptied by a destroy.
    const safety = {
      forceDestroy: !args.protect,
      deletionPolicy: args.protect ? 'PREVENT' : 'DELETE',
    };
    const common = {
      location: args.location,
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
    };

    // No age-based Coldline rule here: the daily function moves only days it has loaded, so a
    // late back-fill is never stranded in Coldline before BigQuery has it.
    // Lifecycle age counts from an object's last write, and the Coldline move rewrites the
    // object, so a moved object lives retentionDays after its move.
    if (args.retentionDays !== undefined && args.retentionDays < COLDLINE_MIN_DAYS) {
      pulumi.log.warn(
        `plantlake:retentionDays is ${args.retentionDays}: objects moved to Coldline and deleted before ` +
          `${COLDLINE_MIN_DAYS} days are billed for ${COLDLINE_MIN_DAYS} days.`,
        this,
      );
    }
    this.raw = new gcp.storage.Bucket(
      'raw',
      {
        ...common,
        ...safety,
        name: names.raw,
        versioning: { enabled: false },
        lifecycleRules: [
          // detect's outbox objects outlive their run only when a state commit lost a race (then
          // nothing points to them) or a crash was recovered: a week is ample.
          { action: { type: 'Delete' }, condition: { age: OUTBOX_MAX_AGE_DAYS, matchesPrefixes: [OUTBOX_PREFIX] } },
          ...(args.retentionDays === undefined
            ? []
            : [{ action: { type: 'Delete' }, condition: { age: args.retentionDays, matchesPrefixes: RETENTION_PREFIXES } }]),
        ],
      },
      { parent: this, protect: args.protect },
    );

    this.config = new gcp.storage.Bucket(
      'config',
      {
        ...common,
        ...safety,
        name: names.config,
        versioning: { enabled: true },
        // Keep the last 10 versions of each file for rollback, drop older ones after 90 days.
        lifecycleRules: [
          { action: { type: 'Delete' }, condition: { numNewerVersions: 10, withState: 'ARCHIVED' } },
          { action: { type: 'Delete' }, condition: { daysSinceNoncurrentTime: 90, withState: 'ARCHIVED' } },
        ],
      },
      { parent: this, protect: args.protect },
    );

    // Source archives are rebuilt from the repository, so this bucket is never protected.
    this.functionSources = new gcp.storage.Bucket(
      'function-sources',
      { ...common, name: names.functionSources, forceDestroy: true, versioning: { enabled: false } },
      { parent: this },
    );

    // Rules and tag catalog: uploaded from the repository when the files exist. detect reloads
    // rules when the object's generation changes, so a rules change needs no function redeploy.
    const upload = (logical: string, path: string, object: string, what: string) => {
      const file = optionalFile(path);
      if (file === undefined) {
        pulumi.log.info(`${path} not found: no ${what} uploaded to gs://${names.config}/${object}`, this);
        return;
      }
      new gcp.storage.BucketObject(
        logical,
        {
          bucket: this.config.name,
          name: object,
          source: new pulumi.asset.FileAsset(file),
          contentType: 'application/yaml',
          cacheControl: 'no-store',
        },
        // A new file replaces the object under the same name: create-then-delete would delete
        // the new upload (pulumi/pulumi-gcp#152). detect keeps its last rules through the gap.
        { parent: this, deleteBeforeReplace: true },
      );
    };
    upload('rules', args.rulesFile, OBJECTS.rules, 'alarm rules');
    upload('tag-catalog', args.tagCatalogFile, OBJECTS.tagCatalog, 'tag catalog');

    this.registerOutputs({
      raw: this.raw.name,
      config: this.config.name,
      functionSources: this.functionSources.name,
    });
  }
}
