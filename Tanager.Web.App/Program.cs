using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Tanager.Web;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
// index.html and any other site's page use the same <tanager-chat> element (wwwroot/tanager-chat.js): one way in.
builder.RootComponents.RegisterForJavaScript<TanagerChat>("tanager-chat");
await builder.Build().RunAsync();
