// Publishes gateway batches to the readings topic with the site as ordering key, so detect
// (whose subscription enables message ordering) sees a site's batches in publish order, one at a
// time. A failed publish pauses its key in the client (later messages of the site would otherwise
// overtake it); resuming before the gateway's retry keeps the order: the gateway resends the same
// batch first. https://cloud.google.com/pubsub/docs/ordering
import type { Topic } from '@google-cloud/pubsub';
import type { Publish } from './gateway.ts';

export function sitePublisher(topic: Topic): Publish {
  topic.setPublishOptions({ messageOrdering: true });
  return async (data, attributes, orderingKey) => {
    try {
      return await topic.publishMessage({ data, attributes, orderingKey });
    } catch (err) {
      topic.resumePublishing(orderingKey);
      throw err;
    }
  };
}
