namespace TokenClients.Tests.Abstractions;

/// <summary>Value equality of token contexts: the cache key of every per-user and per-scope token.</summary>
public sealed class TokenContextTests
{
    [Fact]
    public void Contexts_with_the_same_parameters_in_another_order_are_equal_and_hash_alike()
    {
        var a = new TokenContext("alice", "orders", parameters: [new("tenant", "t1"), new("audience", "api")]);
        var b = new TokenContext("alice", "orders", parameters: [new("audience", "api"), new("tenant", "t1")]);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("api", b.Parameters["audience"]);
    }

    [Fact]
    public void Contexts_that_differ_in_one_parameter_value_or_name_are_not_equal()
    {
        var a = new TokenContext(parameters: [new("tenant", "t1"), new("audience", "api")]);

        Assert.NotEqual(a, new TokenContext(parameters: [new("tenant", "t2"), new("audience", "api")]));
        Assert.NotEqual(a, new TokenContext(parameters: [new("tenant", "t1"), new("audiences", "api")]));
        Assert.NotEqual(a, new TokenContext(parameters: [new("tenant", "t1")]));
        Assert.NotEqual(TokenContext.ForSubject("alice"), TokenContext.ForSubject("Alice"));
    }

    [Fact]
    public void A_parameter_named_twice_is_refused_when_the_context_is_built()
    {
        var error = Assert.Throws<ArgumentException>(() => new TokenContext(parameters: [new("tenant", "t1"), new("tenant", "t2")]));

        Assert.Contains("'tenant'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("t2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Comparing_contexts_with_parameters_allocates_nothing()
    {
        var a = new TokenContext("alice", parameters: [new("tenant", "t1"), new("audience", "api")]);
        var b = new TokenContext("alice", parameters: [new("audience", "api"), new("tenant", "t1")]);
        Assert.True(a.Equals(b));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var equal = true;
        for (var i = 0; i < 100; i++)
        {
            equal &= a.Equals(b);
        }

        Assert.True(equal);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
