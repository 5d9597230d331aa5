// The semantics extractor reads replacement rules, defaults and validators from a provider's Go schema text, both SDKv2 and plugin-framework style.
import { describe, expect, it } from 'vitest';
import { extractSemantics } from '../providers/semantics-extract.ts';

// Written for this test in the two styles the pinned providers use; not copied from any provider.
const SDK = `package example

const (
	mkName    = "name"
	mkBlock   = "clone"
	dvEnabled = true
)

func Thing() *schema.Resource {
	return &schema.Resource{
		Schema: map[string]*schema.Schema{
			mkName: {
				Type:         schema.TypeString,
				Required:     true,
				ForceNew:     true,
				Description:  "braces in text { do not count",
				ValidateFunc: validation.IsRFC3339Time,
			},
			"enabled": {
				Type:     schema.TypeBool,
				Optional: true,
				Default:  dvEnabled,
			},
			mkBlock: {
				Type: schema.TypeList,
				Elem: &schema.Resource{
					Schema: map[string]*schema.Schema{
						"vm_id": {
							Type:     schema.TypeInt,
							ForceNew: true,
							Default:  100,
						},
					},
				},
			},
			"expires": {
				Optional: true,
				Default:  time.Unix(0, 0).UTC().Format(time.RFC3339),
			},
		},
	}
}
`;

const FRAMEWORK = `package example

func (r *res) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"path": schema.StringAttribute{
				Required: true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplace(),
				},
			},
			"propagate": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"size": schema.Int64Attribute{
				PlanModifiers: []planmodifier.Int64{
					int64planmodifier.RequiresReplaceIfConfigured(),
				},
			},
		},
	}
}
`;

describe('the semantics extractor', () => {
  it('finds ForceNew, literal defaults (constants resolved) and validators of SDKv2 schemas, nested blocks as paths', () => {
    const found = extractSemantics(SDK);
    expect(found.replace).toEqual([
      { attribute: 'name', line: 15 },
      { attribute: 'clone.vm_id', line: 30 },
    ]);
    expect(found.defaults).toEqual([
      { attribute: 'enabled', line: 22, expression: 'dvEnabled', value: true },
      { attribute: 'clone.vm_id', line: 31, expression: '100', value: 100 },
      { attribute: 'expires', line: 38, expression: 'time.Unix(0, 0).UTC().Format(time.RFC3339)' },
    ]);
    expect(found.validators).toEqual([
      { attribute: 'name', line: 17, expression: 'validation.IsRFC3339Time' },
    ]);
  });

  it('finds RequiresReplace and static defaults of plugin-framework schemas, and leaves conditional replacement for review', () => {
    const found = extractSemantics(FRAMEWORK);
    expect(found.replace).toEqual([{ attribute: 'path', line: 9 }]);
    expect(found.defaults).toEqual([
      { attribute: 'propagate', line: 15, expression: 'booldefault.StaticBool(true)', value: true },
    ]);
    expect(found.replaceIf).toEqual([
      { attribute: 'size', line: 19, expression: 'int64planmodifier.RequiresReplaceIfConfigured()' },
    ]);
  });
});
