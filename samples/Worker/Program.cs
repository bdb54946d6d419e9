using Microsoft.Extensions.Configuration.UserSecrets;
using Microsoft.Extensions.Options;
using Worker;

[assembly: UserSecretsId("tokenclients-worker-sample")]

// A hosted service calling five vendors' APIs through typed HttpClients. Every token provider comes from the
// TokenProviders section of configuration (appsettings.json, user secrets in Development, environment variables);
// by default the vendors are loopback emulators started here.
var builder = Host.CreateApplicationBuilder(args);
await using var emulators = await Emulators.StartAsync(builder.Configuration);

builder.Services.AddTokenProviders(builder.Configuration.GetSection("TokenProviders"));

builder.Services.AddSingleton(emulators);
builder.Services.AddOptions<ApiEndpoints>().Configure(endpoints => endpoints.Read(builder.Configuration.GetSection("Apis"))).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<ApiEndpoints>, ApiEndpointsValidator>();
builder.Services.Configure<WorkerSettings>(builder.Configuration.GetSection("Worker"));
builder.Services.AddHttpClient<MluviiApi>(Origin("mluvii")).AddTokenHandler("mluvii");
builder.Services.AddHttpClient<MoodHoodApi>(Origin("moodhood")).AddTokenHandler("moodhood");
builder.Services.AddHttpClient<TelmaiApi>(Origin("telmai")).AddTokenHandler("telmai");
builder.Services.AddHttpClient<OliApi>(Origin("oli")).AddTokenHandler("oli");
builder.Services.AddHttpClient<JustLoginApi>(Origin("justlogin")).AddTokenHandler("justlogin");
builder.Services.AddHostedService<VendorPollingService>();

using var host = builder.Build();
await host.RunAsync();

// The API's origin is the client's BaseAddress: the token handler sends the token there and nowhere else.
static Action<IServiceProvider, HttpClient> Origin(string vendor) =>
    (services, client) => client.BaseAddress = ApiEndpoints.Origin(services.GetRequiredService<IConfiguration>(), vendor);
