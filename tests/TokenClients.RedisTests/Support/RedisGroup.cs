namespace TokenClients.RedisTests.Support;

/// <summary>The test collection that shares one <see cref="RedisFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RedisGroup : ICollectionFixture<RedisFixture>
{
    public const string Name = "Redis";
}
