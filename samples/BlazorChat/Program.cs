// An app's own Blazor WebAssembly front end, with Tanager's chat as one component of its page (Pages/Support.razor).
// The chat server is another origin, named in wwwroot/appsettings.json; that server lists this app's origin in
// Tanager:AllowedOrigins.
using BlazorChat;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");
await builder.Build().RunAsync();
