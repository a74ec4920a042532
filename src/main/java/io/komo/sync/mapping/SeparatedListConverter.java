package io.komo.sync.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Array → Multi-select: a list as one text with a separator, split back into a list inbound. */
final class SeparatedListConverter implements ValueConverter {

    private final String separator;
    private final Pattern splitter;

    SeparatedListConverter(String separator) {
        this.separator = separator;
        this.splitter = Pattern.compile(Pattern.quote(separator));
    }

    @Override
    public Object toExternal(Object komoValue) throws ConversionException {
        if (komoValue instanceof List<?> list) {
            List<String> elements = new ArrayList<>(list.size());
            for (Object element : list) {
                String text = String.valueOf(element);
                if (text.contains(separator)) {
                    throw new ConversionException("list element '" + text + "' contains the separator '"
                            + separator + "'");
                }
                elements.add(text);
            }
            return String.join(separator, elements);
        }
        return String.valueOf(komoValue);
    }

    @Override
    public Object toKomo(Object externalValue) {
        if (externalValue instanceof List<?> list) {
            return list;
        }
        List<String> elements = new ArrayList<>();
        for (String element : splitter.split(String.valueOf(externalValue))) {
            if (!element.isBlank()) {
                elements.add(element.trim());
            }
        }
        return elements;
    }
}
