using Microsoft.EntityFrameworkCore;

namespace TokenClients.IntegrationTests.Protocol.OAuth2;

/// <summary>The server's EF Core store.</summary>
/// <param name="options">The options.</param>
public sealed class OAuth2ServerDbContext(DbContextOptions<OAuth2ServerDbContext> options) : DbContext(options);
