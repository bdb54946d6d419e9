using WebApp;

// A web application whose users sign in with OpenID Connect, connect their JustLogin and Acme CRM accounts, and call
// those vendors' APIs through typed HttpClients. By default every provider is a loopback emulator started here (see
// appsettings.json): `dotnet run --project samples/WebApp`, then open the address it prints.
await using var app = await SampleApp.StartAsync(args);
Console.WriteLine($"TokenClients web sample: open {app.Address} (Ctrl+C to stop)");
await app.WaitForShutdownAsync();
