namespace TokenClients.Tests.Support;

/// <summary>The common typed-client pattern: the address set in the constructor, where the token handler cannot see it.</summary>
public sealed class ConstructorBaseAddressClient
{
    public ConstructorBaseAddressClient(HttpClient http)
    {
        Http = http;
        Http.BaseAddress = new Uri("https://api.example/");
    }

    public HttpClient Http { get; }
}
