/** The GL mapping key of a document's tax total (the admin maps it to QAD's tax account like a charge). */
export const TAX_GL_KEY = "Tax";
