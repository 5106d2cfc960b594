package richtext

import "testing"

func TestSanitizeBody(t *testing.T) {
	tests := []struct {
		name, in, html, text string
	}{
		{
			name: "formatting, lists and headings stay",
			in:   "<h2>Care</h2><p>Wash <em>cold</em>, <b>never</b> tumble dry.</p><ol><li>Turn inside out</li><li>Wash</li></ol>",
			html: "<h2>Care</h2><p>Wash <em>cold</em>, <b>never</b> tumble dry.</p><ol><li>Turn inside out</li><li>Wash</li></ol>",
			text: "Care\nWash cold, never tumble dry.\nTurn inside out\nWash",
		},
		{
			name: "links are unwrapped to their text",
			in:   `<p>Also at <a href="https://other-shop.example/p/1" target="_blank">our own store</a>.</p>`,
			html: "<p>Also at our own store.</p>",
			text: "Also at our own store.",
		},
		{
			name: "scripts, styles, images, iframes and attributes go",
			in:   `<p style="color:red" onclick="steal()">Hi</p><script>alert(1)</script><style>p{}</style><img src="x" onerror="steal()"><iframe src="https://x.example"></iframe>`,
			html: "<p>Hi</p>",
			text: "Hi",
		},
		{
			name: "wrappers are dropped, their text kept",
			in:   `<meta charset="utf-8"><div><span data-mce-fragment="1">Soft</span> cotton</div>`,
			html: "Soft cotton",
			text: "Soft cotton",
		},
		{
			name: "plain text is escaped once and read back",
			in:   "Tom & Jerry's <3 mugs",
			html: "Tom &amp; Jerry&#39;s &lt;3 mugs",
			text: "Tom & Jerry's <3 mugs",
		},
		{
			name: "tables become lines of cells",
			in:   "<table><tr><th>Size</th><th>Chest</th></tr><tr><td>S</td><td>90 cm</td></tr></table>",
			html: "<table><tr><th>Size</th><th>Chest</th></tr><tr><td>S</td><td>90 cm</td></tr></table>",
			text: "Size Chest\nS 90 cm",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html := Sanitize(tt.in)
			if html != tt.html {
				t.Errorf("html = %q, want %q", html, tt.html)
			}
			if again := Sanitize(html); again != html {
				t.Errorf("sanitising twice changes %q into %q", html, again)
			}
			if text := PlainText(html); text != tt.text {
				t.Errorf("text = %q, want %q", text, tt.text)
			}
		})
	}
}
