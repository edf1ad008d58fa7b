import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import { AdminNotification } from '../../admin/api/admin-orders.types.js';
import { NotificationMessage, NotificationTemplate, SubscribeConsent } from './notification.types.js';

/** Notifications: thin adapters over NotificationService. */
@Resolver()
export class NotificationResolver {
  @Mutation(() => [SubscribeConsent], {
    description: 'Records what the traveller answered to wx.requestSubscribeMessage: each accept allows one message of that template',
  })
  recordSubscribeConsent(
    @Ctx() ctx: RequestContext,
    @Arg('templateKeys', () => [String], { description: 'Template ids (or kinds) the traveller answered' }) templateKeys: string[],
    @Arg('accepted', () => Boolean, { nullable: true, defaultValue: true }) accepted: boolean,
  ) {
    return ctx.app.services.notifications.recordConsent(ctx, templateKeys, accepted ?? true);
  }

  @Mutation(() => AdminNotification, { description: 'An operator re-sends a FAILED or DEAD message, with a reason (ADMIN; audited; a repeat changes nothing)' })
  adminResendNotification(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('reason') reason: string) {
    return ctx.app.services.notifications.adminResend(ctx, Number(id), reason);
  }

  @Query(() => [NotificationMessage], { description: "The caller's messages, newest first, including those not sent and why" })
  myNotifications(
    @Ctx() ctx: RequestContext,
    @Arg('limit', () => Int, { nullable: true }) limit?: number,
    @Arg('offset', () => Int, { nullable: true }) offset?: number,
  ) {
    return ctx.app.services.notifications.myNotifications(ctx, { limit, offset });
  }

  @Query(() => [NotificationTemplate], { description: 'The subscribe-message templates the app should ask consent for' })
  notificationTemplates(@Ctx() ctx: RequestContext) {
    return ctx.app.services.notifications.templatesForApp(ctx);
  }
}
