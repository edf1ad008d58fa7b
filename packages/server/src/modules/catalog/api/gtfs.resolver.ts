import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import { AppError } from '../../../common/errors.js';
import type { GtfsImportReport } from '../gtfs/gtfs-import.service.js';

@InputType()
export class GtfsFileInput {
  @Field({ description: 'e.g. stops.txt' }) name!: string;
  @Field() content!: string;
}

@InputType()
export class GtfsImportInput {
  @Field(() => [GtfsFileInput], { nullable: true, description: 'The feed as text files…' }) files?: GtfsFileInput[] | null;
  @Field(() => String, { nullable: true, description: '…or as a zip, base64' }) zipBase64?: string | null;
  @Field(() => ID, { description: 'The merchant that operates these routes' }) operatorMerchantId!: string;
  @Field(() => String, { nullable: true }) fromDate?: string | null;
  @Field(() => String, { nullable: true }) toDate?: string | null;
  @Field(() => Int, { nullable: true }) capacity?: number | null;
  @Field({ description: 'false: report only; true: import' }) confirm!: boolean;
}

@ObjectType()
export class GtfsProblem {
  @Field() file!: string;
  @Field(() => Int, { nullable: true }) line?: number;
  @Field() message!: string;
}

@ObjectType()
export class GtfsImportReportView {
  @Field() ok!: boolean;
  @Field() applied!: boolean;
  @Field(() => [GtfsProblem]) errors!: GtfsProblem[];
  @Field(() => [GtfsProblem]) warnings!: GtfsProblem[];
  @Field(() => Int) routesCreated!: number;
  @Field(() => Int) routesExisting!: number;
  @Field(() => Int) productsCreated!: number;
  @Field(() => Int) tripsCreated!: number;
  @Field(() => Int) tripsExisting!: number;
}

/** GTFS import: upload a feed, read the report (confirm: false), then import (confirm: true). */
@Resolver()
export class GtfsResolver {
  @Mutation(() => GtfsImportReportView)
  adminImportGtfs(@Ctx() ctx: RequestContext, @Arg('input') input: GtfsImportInput): Promise<GtfsImportReport> {
    if (!input.files?.length && !input.zipBase64) throw new AppError('BAD_USER_INPUT', 'Give the feed as files or as a zip', { field: 'files' });
    const feed = input.zipBase64 ? Buffer.from(input.zipBase64, 'base64') : Object.fromEntries(input.files!.map((f) => [f.name, f.content]));
    return ctx.app.services.gtfs.import(ctx, {
      feed, operatorMerchantId: Number(input.operatorMerchantId), fromDate: input.fromDate, toDate: input.toDate, capacity: input.capacity, confirm: input.confirm,
    });
  }
}
