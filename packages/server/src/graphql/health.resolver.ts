import { Query, Resolver } from 'type-graphql';

/** A trivial query for probes and the framework floor of the benchmark. */
@Resolver()
export class HealthResolver {
  @Query(() => String, { description: 'Always "ok"' })
  health(): string {
    return 'ok';
  }
}
