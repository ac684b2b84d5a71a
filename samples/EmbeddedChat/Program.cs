// An existing ASP.NET Core app that adds team chat: the two Tanager lines are AddTanager() and MapTanager().
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTanager();

var app = builder.Build();
app.MapGet("/", () => "My existing app, now with chat at /chat");
app.MapTanager("/chat");
app.Run();
