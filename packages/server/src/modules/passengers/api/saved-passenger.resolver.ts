import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { PassengerType } from '@deeptravel/shared';
import type { RequestContext } from '../../../app/context.js';
import { PassengerTypeEnum } from '../../catalog/api/catalog.types.js';
import { maskPhone } from '../../orders/api/order.resolver.js';
import type { SavedPassengerRecord } from '../saved-passenger.service.js';

@ObjectType({ description: 'A saved passenger (常用旅客) of the signed-in traveller' })
export class SavedPassenger {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field(() => PassengerTypeEnum) passengerType!: PassengerType;
  @Field(() => String, { nullable: true, description: 'Masked, e.g. 138****5678' }) phoneMasked!: string | null;
  @Field() hasPhone!: boolean;
}

@InputType()
export class SavedPassengerInput {
  @Field(() => String, { nullable: true, description: 'Required when adding; at most 40 characters' }) name?: string | null;
  @Field(() => PassengerTypeEnum, { nullable: true, description: 'Required when adding' }) type?: PassengerType | null;
  @Field(() => String, { nullable: true, description: 'Omit to keep, null or "" to clear' }) phone?: string | null;
}

function toApi(r: SavedPassengerRecord): SavedPassenger {
  return { id: r.id, name: r.name, passengerType: r.passengerType, phoneMasked: maskPhone(r.phone), hasPhone: r.phone !== null };
}

/** Saved passengers: thin adapters over SavedPassengerService. */
@Resolver(() => SavedPassenger)
export class SavedPassengerResolver {
  @Query(() => [SavedPassenger], { description: "The caller's saved passengers (常用旅客)" })
  async mySavedPassengers(@Ctx() ctx: RequestContext): Promise<SavedPassenger[]> {
    return (await ctx.app.services.savedPassengers.list(ctx)).map(toApi);
  }

  @Mutation(() => SavedPassenger, { description: 'Saves a passenger for later orders (at most 20)' })
  async addSavedPassenger(@Ctx() ctx: RequestContext, @Arg('input') input: SavedPassengerInput): Promise<SavedPassenger> {
    return toApi(await ctx.app.services.savedPassengers.add(ctx, input));
  }

  @Mutation(() => SavedPassenger)
  async updateSavedPassenger(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('input') input: SavedPassengerInput): Promise<SavedPassenger> {
    return toApi(await ctx.app.services.savedPassengers.update(ctx, Number(id), input));
  }

  @Mutation(() => Boolean, { description: 'Deletes a saved passenger (orders keep their own copy)' })
  deleteSavedPassenger(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return ctx.app.services.savedPassengers.remove(ctx, Number(id));
  }
}
