// The chat webhook URL for alarm notifications, kept in Secret Manager. The value comes from the
// Pulumi secret plantlake:chatWebhookUrl (encrypted in the stack file), never from a plain file;
// notify receives it as a secret environment variable and only notify may read it.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface ChatWebhookArgs {
  readonly region: string;
  readonly url: pulumi.Input<string>;
}

export class ChatWebhook extends pulumi.ComponentResource {
  readonly secret: gcp.secretmanager.Secret;
  readonly version: gcp.secretmanager.SecretVersion;

  constructor(name: string, args: ChatWebhookArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:ChatWebhook', name, {}, opts);
    this.secret = new gcp.secretmanager.Secret(
      'chat-webhook',
      {
        secretId: 'plantlake-chat-webhook',
        // Stored in the deployment region only, like the data it alerts on.
        replication: { userManaged: { replicas: [{ location: args.region }] } },
      },
      { parent: this },
    );
    this.version = new gcp.secretmanager.SecretVersion('chat-webhook', { secret: this.secret.id, secretData: pulumi.secret(args.url) }, { parent: this });
    this.registerOutputs({ secret: this.secret.secretId });
  }
}
