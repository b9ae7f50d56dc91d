// SPDX-License-Identifier: GPL-2.0
/* placeholder: the stress program comes with the control tests */
int main(void)
{
	return 4;
}
