// A register value decoded field by field (sysreg-fields.ts): the table the EL view shows for each
// system register and the trap trail shows for an ESR.
import type { JSX } from 'react';
import type { DecodedField } from '../machine/sysreg-fields';

export function FieldTable(props: { fields: readonly DecodedField[]; rowClass?: (f: DecodedField) => string | undefined }): JSX.Element {
  return (
    <table className="fields">
      <thead>
        <tr>
          <th>field</th>
          <th>bits</th>
          <th>value</th>
          <th>meaning</th>
        </tr>
      </thead>
      <tbody>
        {props.fields.map((f) => (
          <tr key={f.name} className={props.rowClass?.(f)}>
            <th scope="row">{f.name}</th>
            <td className="bits">{f.bits}</td>
            <td className="value">
              <code>{f.shown}</code>
            </td>
            <td>{f.meaning}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
