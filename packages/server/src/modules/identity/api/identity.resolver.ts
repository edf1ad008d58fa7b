import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import type { TravellerRecord, TravellerSession } from '../traveller-session.service.js';

@ObjectType({ description: 'The signed-in traveller' })
export class TravellerProfile {
  @Field(() => ID) id!: number;
  @Field(() => String, { nullable: true }) nickname!: string | null;
  @Field() createdAt!: Date;
}

@ObjectType({ description: 'A session token: send it as "Authorization: Bearer <token>"' })
export class SessionPayload {
  @Field() token!: string;
  @Field({ description: 'Refresh (refreshSession) before then; after it, log in again' }) expiresAt!: Date;
  @Field(() => ID) travellerId!: number;
  @Field({ description: 'True on the first login of this WeChat user' }) isNewTraveller!: boolean;
}

/** Traveller login and sessions: thin adapters over TravellerSessionService. */
@Resolver()
export class IdentityResolver {
  @Mutation(() => SessionPayload, { description: 'Logs in with a wx.login code (jscode2session); creates the traveller on first login' })
  loginWithWechat(@Ctx() ctx: RequestContext, @Arg('code') code: string): Promise<TravellerSession> {
    return ctx.app.services.travellerSessions.loginWithWechat(ctx, code);
  }

  @Mutation(() => SessionPayload, { description: 'A fresh token for the signed-in traveller (the current one must still be valid)' })
  refreshSession(@Ctx() ctx: RequestContext): Promise<TravellerSession> {
    return ctx.app.services.travellerSessions.refreshSession(ctx);
  }

  @Query(() => TravellerProfile, { description: 'The signed-in traveller' })
  me(@Ctx() ctx: RequestContext): Promise<TravellerRecord> {
    return ctx.app.services.travellerSessions.me(ctx);
  }
}
